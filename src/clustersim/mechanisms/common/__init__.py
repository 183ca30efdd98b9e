"""Rules and constants every mechanism shares."""

# No firm knows less than this share of best practice: codified public knowledge (manuals,
# standards, disclosed patents) is open to all, so depreciation without innovation cannot drive
# a stock to zero (and its logarithm to -inf).
LOG_PUBLIC_KNOWLEDGE = -13.815510557964274  # log(1e-6)
