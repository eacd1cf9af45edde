from saywho.cli import main

main()
