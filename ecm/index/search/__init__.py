"""Finding children: normalised and phonetic keys, the search criteria (PDS rules) and the matcher."""
