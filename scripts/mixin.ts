/**
 * `npm run mixin -- --out DIR [--preset nats-helm] [--config FILE] ...`:
 * the same as `natsmon mixin`, from the source tree.
 */
import { main } from "../cli/natsmon.js";

await main([process.argv[0], "natsmon", "mixin", ...process.argv.slice(2)]);
