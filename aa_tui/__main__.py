from aa_tui.launch import main

if __name__ == "__main__":  # not when multiprocessing (spawn) imports it as __mp_main__
    raise SystemExit(main())
