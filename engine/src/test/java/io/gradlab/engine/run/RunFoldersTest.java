package io.gradlab.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFoldersTest {
    @TempDir
    Path out;

    private Path run(String folder, String status) throws Exception {
        Path dir = Files.createDirectories(out.resolve(folder));
        Files.writeString(dir.resolve(RunFolder.SPEC), "name: x\n");
        Files.writeString(dir.resolve(RunFolder.RUN_INFO), "{\"spec_dir\": \"/\"}");
        if (status != null) {
            Files.writeString(dir.resolve(RunFolder.SUMMARY), "{\"name\": \"x\", \"status\": \"" + status + "\"}");
        }
        return dir;
    }

    @Test
    void statusCompletenessAndResumability() throws Exception {
        Path done = run("a-20260101-000000", "completed");
        Path killed = run("a-20260101-000001", null);
        Path failed = run("a-20260101-000002", "failed");
        Path diverged = run("a-20260101-000003", "diverged");
        Path garbage = run("a-20260101-000004", null);
        Files.writeString(garbage.resolve(RunFolder.SUMMARY), "{not json");

        assertThat(RunFolders.isComplete(done)).isTrue();
        assertThat(RunFolders.isComplete(killed)).isFalse();
        assertThat(RunFolders.status(failed)).contains("failed");
        assertThat(RunFolders.status(garbage)).isEmpty();
        assertThat(RunFolders.isResumable(done)).isFalse();
        assertThat(RunFolders.isResumable(killed)).isTrue();
        assertThat(RunFolders.isResumable(failed)).isTrue();
        assertThat(RunFolders.isResumable(diverged)).isFalse();
        assertThat(RunFolders.isResumable(out)).isFalse();
    }

    @Test
    void runsOfANameAreFoundInTimeOrderAndOtherNamesAreIgnored() throws Exception {
        Path first = run("m05-20260101-120000", "completed");
        Path third = run("m05-20260101-120000-2", null);
        Path second = run("m05-20260101-120000-1", null);
        Path fourth = run("m05-20260102-000000", null);
        run("m05-relu-20270101-000000", "completed");
        run("m05x-20270101-000000", "completed");
        Files.createDirectories(out.resolve("m05-notes"));

        assertThat(RunFolders.runsNamed(out, "m05")).containsExactly(first, second, third, fourth);
        assertThat(RunFolders.latest(out, "m05")).contains(fourth);
        assertThat(RunFolders.latest(out, "m05-relu")).contains(out.resolve("m05-relu-20270101-000000"));
        assertThat(RunFolders.latest(out, "other")).isEmpty();
        assertThat(RunFolders.latest(out.resolve("missing"), "m05")).isEmpty();
    }
}
