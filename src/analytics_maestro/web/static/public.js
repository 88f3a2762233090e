import { openViewer } from "./viewer.js";

openViewer(document.getElementById("viewer"));
