"""The map of who has troops where: country shapes, their projection and
(to come) the status overlay drawn on the server."""
