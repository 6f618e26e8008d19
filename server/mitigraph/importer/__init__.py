"""Import the text of navigator pages into Mitigraph's graph (`mitigraph import`)."""
