"""Maestro mode: a graph run inside a Maestro Server deployment reads the inventory from its Data App
(`catalogue`), and reports to the Data App, the Analytics Front and the websocket service
(`services`, `report`)."""
