"""What notifications contribute to the shared mechanisms: the end of the demo load."""

from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.notifications.demo import demo_notices_quieten

# After every other demo set, which make the notices.
register_demo("notices", load=demo_notices_quieten, order=1000)
