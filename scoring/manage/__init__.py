"""The organiser's pages of the pitch contest, one module per page of the console's menu."""
