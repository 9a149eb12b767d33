"""The territory's training map: recruitment demand by employment basin (France Travail's BMO survey) against
the training each basin can reach (:mod:`curriculum.territory.demand`, :mod:`curriculum.territory.bmo`,
:mod:`curriculum.territory.supply`, :mod:`curriculum.territory.report`)."""
