"""Power-battery traceability (动力电池溯源): GB/T 34014 codes, VINs, pack→module→cell, lifecycle events,
reporting duties in working days, traces and the recycling picture.

Modules: :mod:`~chainbrain.battery.codes` (battery codes), :mod:`~chainbrain.battery.vin` (VIN check digit),
:mod:`~chainbrain.battery.calendar` (China's working days), :mod:`~chainbrain.battery.ledger` (the store
tables), :mod:`~chainbrain.battery.duties` (who must report what by when), :mod:`~chainbrain.battery.trace`.
"""
