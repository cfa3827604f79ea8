import { App, TerraformStack } from "cdktf";

// The floor for the wall-time figures: a cdktf app with one empty stack.
const app = new App();
new TerraformStack(app, "empty");
app.synth();
