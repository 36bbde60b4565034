"""What the accounts app contributes to the shared mechanisms: the demo's people.

Found at start-up by core (see docs/adding-a-content-type.md).
"""

from bigsocnorth.accounts.demo import load_people
from bigsocnorth.core.demo.registry import register_demo

register_demo("people", load=load_people, order=10)
