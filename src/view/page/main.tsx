/** The viewer's page: a Preact app that routes on the client and reads the workspace through `/api`. */
import { render } from "preact";
import { App } from "./app.js";
import "./style.css";

render(<App />, document.getElementById("app")!);
