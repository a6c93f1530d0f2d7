"""Card and wallet payment terminals behind one interface (manual confirmation, simulator)."""
