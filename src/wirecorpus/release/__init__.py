"""Releases: their Croissant description and their publication on the Hugging Face Hub."""
