"""The quarterly notice (通报): what it says (:mod:`.model`) and how it is printed (:mod:`.pdf`, :mod:`.xlsx`)."""
