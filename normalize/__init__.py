"""Normalise stage: Vietnamese text, targets, deadlines, agencies, indicators."""
