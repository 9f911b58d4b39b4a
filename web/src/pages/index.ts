// Every page of the console and the hash path it answers.
import { route } from "../router";
import { renderOverview } from "./overview";
import { renderProducts } from "./products";
import { renderProduct } from "./product";
import { renderDevices } from "./devices";
import { renderDevice } from "./device";
import { renderRules } from "./rules";
import { renderRule } from "./rule";

route("/overview", renderOverview);
route("/products", renderProducts);
route("/products/:pk", renderProduct);
route("/devices", renderDevices);
route("/devices/:pk/:dn", renderDevice);
route("/rules", renderRules);
route("/rules/:id", renderRule);
