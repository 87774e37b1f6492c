"""Web pages of the risk register."""
