package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageTest {
    @Test
    void anUnknownOptionPrintsTheProblemAndTheUsageWithExitCode2() {
        Cli.Result r = Cli.run("run", "--bogus", "x.yaml");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("gradlab: Unknown option: '--bogus'").contains("Usage: gradlab run");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMisspelledCommandSuggestsTheRightOne() {
        Cli.Result r = Cli.run("plugin");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("plugins");
    }

    @Test
    void noCommandPrintsTheUsageOnStderrWithExitCode2() {
        Cli.Result r = Cli.run();

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: gradlab").contains("plugins").contains("run");
    }

    @Test
    void helpListsTheCommandsAndExits0() {
        Cli.Result r = Cli.run("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: gradlab").contains("--plugins-dir").contains("--strict").contains("--verbose")
                .contains("plugins").contains("run");
    }

    @Test
    void everyCommandHasHelpAndTheGlobalOptions() {
        for (String command : new String[] {"run", "plugins"}) {
            Cli.Result r = Cli.run(command, "--help");

            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage: gradlab " + command).contains("--verbose").contains("--plugins-dir");
        }
    }

    @Test
    void helpCommandShowsACommandsOptions() {
        Cli.Result r = Cli.run("help", "run");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--epochs").contains("--set").contains("--data").contains("--out");
    }

    @Test
    void aMissingPluginsFolderIsAUsageError() {
        Cli.Result r = Cli.run("--plugins-dir", "/does/not/exist/gradlab-plugins", "plugins");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: plugins folder").contains("does not exist");
    }
}
