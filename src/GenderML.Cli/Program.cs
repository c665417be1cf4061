return GenderML.Cli.CliApp.Run(args);
