"""The standard's constants, Python floats."""
import math

e = math.e
inf = math.inf
nan = math.nan
pi = math.pi
