"""`python -m demo [TARGET]`: regenerate the demo workspace (default `data/demo`)."""

from demo.workspace import main

raise SystemExit(main())
