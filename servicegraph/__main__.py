from servicegraph.cli import main

raise SystemExit(main())
