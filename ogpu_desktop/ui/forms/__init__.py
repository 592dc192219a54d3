"""Task forms generated from the domain catalogue, with a registry of editors per field kind."""
