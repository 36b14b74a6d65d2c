"""Siting models for charging, swapping and hydrogen stations: covering, median and center problems on
HiGHS, with great-circle or imported road distances."""

from chainbrain.siting.errors import InputError, SitingError, SolveError
from chainbrain.siting.lscp import LSCP
from chainbrain.siting.mclp import MCLP
from chainbrain.siting.pcenter import PCenter
from chainbrain.siting.pmedian import PMedian

__all__ = ["LSCP", "MCLP", "InputError", "PCenter", "PMedian", "SitingError", "SolveError"]
