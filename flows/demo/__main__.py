"""`python -m flows.demo [TARGET]`: regenerate the demo workspace (default `data/demo`)."""

from flows.demo.workspace import main

raise SystemExit(main())
