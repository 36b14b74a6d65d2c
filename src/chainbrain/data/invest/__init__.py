"""Bundled data for 招商, 培育 and 供需对接: criteria rules, demo needs/offers, the matching evaluation set."""
