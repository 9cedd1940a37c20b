from aa_tui.cli import main

raise SystemExit(main())
