"""invest package."""
