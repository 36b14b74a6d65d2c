"""Supply-chain resilience: time-to-recover (TTR) and time-to-survive (TTS) LPs (Simchi-Levi et al. 2015),
sweeps over every node and named node sets, backup suppliers, emergency stock, choke points."""

from chainbrain.resilience.model import SolveError, TimeToRecover, TimeToSurvive
from chainbrain.resilience.network import Network, NetworkError, Node, Supply, from_dict, load_network
from chainbrain.resilience.stock import EmergencyStock
from chainbrain.resilience.sweep import RayUnavailable, sweep

__all__ = [
    "EmergencyStock",
    "Network",
    "NetworkError",
    "Node",
    "RayUnavailable",
    "SolveError",
    "Supply",
    "TimeToRecover",
    "TimeToSurvive",
    "from_dict",
    "load_network",
    "sweep",
]
