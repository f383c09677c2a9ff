package io.gradlab.cli;

import io.gradlab.cli.study.ResnetStudyCommand;
import io.gradlab.cli.study.RnnStudyCommand;
import io.gradlab.cli.study.StudyCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code gradlab} command. Subcommands are small classes that take the {@link Host} (console and
 * Guice injector) in their constructor; adding one is one line in {@link #commandLine}.
 */
@Command(name = "gradlab",
        versionProvider = VersionProvider.class,
        description = "Train and diagnose deep neural networks: vanishing and exploding gradients and their remedies, as plugins.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'gradlab help COMMAND' or 'gradlab COMMAND --help' for the options of a command.",
                  "Exit codes: 0 ok, 1 a gradient check failed, 2 usage, 3 spec or component, 4 data, 5 plugin, 6 numeric (diverged), 7 I/O, 70 internal."})
public final class Main implements Callable<Integer> {
    @Mixin
    final GlobalOptions options;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    @Option(names = {"-V", "--version"}, versionHelp = true,
            description = "Print the gradlab version, the plugin API version, the Java version and the BLAS backend.")
    boolean versionRequested;

    @Spec
    CommandSpec spec;

    private Main(GlobalOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        ExitGuard guard = ExitGuard.install(System.err);
        int code = execute(System.out, System.err, args);
        System.out.flush();
        System.err.flush();
        guard.exit(code);
    }

    /** Runs {@code gradlab args...} in this process on the standard streams; returns the exit code. */
    public static int execute(String... args) {
        return execute(System.out, System.err, args);
    }

    /** Runs {@code gradlab args...} in this process writing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        boolean interactive = out == System.out && stdoutIsTerminal();
        GlobalOptions options = new GlobalOptions();
        Host host = new Host(out, err, interactive, options);
        boolean verbose = isVerbose(args);
        Logging logging = Logging.configure(verbose);
        try {
            // the command runs on its own thread, so that this one can stop waiting for a step that never ends
            FutureTask<Integer> task = new FutureTask<>(() -> run(host, args));
            Thread worker = new Thread(task, "gradlab-command");
            worker.setDaemon(true);
            worker.start();
            return await(task, worker, host);
        } finally {
            logging.close();
            out.flush();
            err.flush();
        }
    }

    private static int run(Host host, String[] args) {
        try {
            return commandLine(host).execute(args);
        } catch (RuntimeException | LinkageError e) {
            return Errors.report(e, host.console());
        } catch (OutOfMemoryError e) {
            return Errors.outOfMemory(e, host.console());
        } catch (Throwable e) {
            // the plugin boundary: an Error from plugin code (a StackOverflowError, an AssertionError) is reported, never a raw trace
            return Errors.report(e, host.console());
        }
    }

    /** Waits for the command; when the watchdog finds a step overdue, reports where it hangs and gives up on it. */
    private static int await(FutureTask<Integer> task, Thread worker, Host host) {
        while (true) {
            try {
                return task.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Optional<Watchdog.Expired> expired = host.watchdog().expired();
                if (expired.isPresent()) {
                    int code = Errors.hang(expired.get(), worker.getStackTrace(), host.console());
                    worker.interrupt();
                    return code;
                }
            } catch (ExecutionException e) {
                return Errors.report(e.getCause(), host.console());
            } catch (InterruptedException e) {
                worker.interrupt();
                Thread.currentThread().interrupt();
                return Errors.INTERNAL;
            }
        }
    }

    /** The command line with every subcommand. */
    static CommandLine commandLine(Host host) {
        CommandLine cl = new CommandLine(new Main(host.options()))
                .addSubcommand(new PluginsCommand(host))
                .addSubcommand(new RunCommand(host))
                .addSubcommand(new SummaryCommand(host))
                .addSubcommand(new DoctorCommand(host))
                .addSubcommand(new ReportCommand(host))
                .addSubcommand(new GradcheckCommand(host))
                .addSubcommand(new CommandLine(new StudyCommand(host)).addSubcommand(new RnnStudyCommand(host))
                        .addSubcommand(new ResnetStudyCommand(host)))
                .addSubcommand(new ExportCommand(host))
                .addSubcommand(new PredictCommand(host))
                .addSubcommand(new SweepCommand(host))
                .addSubcommand(new BenchCommand(host))
                .addSubcommand(new UiCommand(host))
                .addSubcommand("help", new CommandLine.HelpCommand());
        addHelpOptions(cl);
        cl.setOut(writer(host.console().out()));
        cl.setErr(writer(host.console().err()));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> Errors.report(e, host.console()));
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionStrategy(new CommandLine.RunLast());
        return cl;
    }

    /** Gives every (sub)command without one a {@code -h, --help} option, so that commands need not declare it. */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().findOption("--help") == null && sub.getCommandSpec().findOption("-h") == null) {
                sub.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help and exit.").build());
            }
            addHelpOptions(sub);
        }
    }

    /**
     * Whether {@code --verbose} is among the arguments, for logging that must be configured before the
     * parse (plugins may log while loading); the parsed option decides stack traces.
     */
    private static boolean isVerbose(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether stdout is a terminal. Up to Java 21 {@link System#console()} is {@code null} unless stdin and
     * stdout are both terminals; from Java 22 on it always exists and {@code Console.isTerminal()} tells.
     */
    private static boolean stdoutIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(stream, true);
    }

    /** {@code gradlab} alone: the usage, on stderr, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
