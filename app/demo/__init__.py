"""Demonstration data taken from the network's review of its 30 April 2015 assises."""
