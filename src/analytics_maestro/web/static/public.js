import { viewerIn } from "./viewer.js";

viewerIn(document.getElementById("viewer")).load();
