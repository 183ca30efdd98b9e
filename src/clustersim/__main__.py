from clustersim.cli.run import main

main()
