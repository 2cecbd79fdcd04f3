from agentdir.cli.main import main

main()
