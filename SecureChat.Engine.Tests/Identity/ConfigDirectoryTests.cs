using System.Diagnostics;
using System.Runtime.Versioning;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Identity;

// File modes are Unix permissions; the engine skips them on Windows, and so do these checks.
[UnsupportedOSPlatform("windows")]
public sealed class ConfigDirectoryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void An_explicit_path_wins_over_xdg_and_home()
    {
        ConfigDirectory.Resolve("/srv/chat", Env(("XDG_CONFIG_HOME", "/x"), ("HOME", "/home/u"))).ShouldBe("/srv/chat");
    }

    [Fact]
    public void Xdg_config_home_is_used_before_home()
    {
        ConfigDirectory.Resolve(null, Env(("XDG_CONFIG_HOME", "/x/conf"), ("HOME", "/home/u"))).ShouldBe("/x/conf/securechat");
    }

    [Fact]
    public void Home_dot_config_is_the_fallback_and_an_empty_or_relative_xdg_is_ignored()
    {
        ConfigDirectory.Resolve("", Env(("HOME", "/home/u"))).ShouldBe("/home/u/.config/securechat");
        ConfigDirectory.Resolve(null, Env(("XDG_CONFIG_HOME", ""), ("HOME", "/home/u"))).ShouldBe("/home/u/.config/securechat");
        ConfigDirectory.Resolve(null, Env(("XDG_CONFIG_HOME", "relative/conf"), ("HOME", "/home/u"))).ShouldBe("/home/u/.config/securechat");
    }

    [Fact]
    public void Without_any_location_the_error_names_the_option()
    {
        ConfigFileException e = Should.Throw<ConfigFileException>(() => ConfigDirectory.Resolve(null, Env()));
        e.Message.ShouldContain("--config-dir");
        e.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Open_creates_the_directory_with_mode_0700_under_home_dot_config()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.Open(null, Env(("HOME", temp.Path)));
        directory.Path.ShouldBe(temp.Combine(".config", "securechat"));
        Directory.Exists(directory.Path).ShouldBeTrue();
        File.GetUnixFileMode(directory.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void An_existing_directory_that_others_can_write_is_refused_with_the_fix()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("shared");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        ConfigFileException e = Should.Throw<ConfigFileException>(() => ConfigDirectory.OpenPath(path));
        e.Message.ShouldContain($"chmod 700 {path}");
        e.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void A_path_that_is_a_file_is_refused_in_one_plain_line_and_the_file_is_untouched()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not a directory\n");
            ConfigFileException e = Should.Throw<ConfigFileException>(() => ConfigDirectory.OpenPath(file));
            TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
            e.Message.ShouldBe($"the config directory {file} is a file, not a directory: give --config-dir a directory");
            File.ReadAllText(file).ShouldBe("not a directory\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_path_under_a_file_names_the_file_in_the_way()
    {
        string file = Path.GetTempFileName();
        try
        {
            string inside = Path.Combine(file, "securechat");
            ConfigFileException e = Should.Throw<ConfigFileException>(() => ConfigDirectory.OpenPath(inside));
            TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
            e.Message.ShouldBe($"could not create the config directory {inside}: {file} is a file, not a directory");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_atomic_write_replaces_the_file_with_the_given_mode_and_leaves_no_temporary_file()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        directory.WriteAllTextAtomic("f", "one\n");
        directory.WriteAllTextAtomic("f", "two\n");
        directory.ReadAllText("f", 100).ShouldBe("two\n");
        File.GetUnixFileMode(directory.PathOf("f")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.GetFiles(directory.Path).Select(Path.GetFileName).ShouldBe(["f"]);
    }

    [Fact]
    public void Create_if_absent_never_overwrites_an_existing_file()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        directory.TryCreateAtomic("f", "first"u8).ShouldBeTrue();
        directory.TryCreateAtomic("f", "second"u8).ShouldBeFalse();
        directory.ReadAllText("f", 100).ShouldBe("first");
        Directory.GetFiles(directory.Path).Select(Path.GetFileName).ShouldBe(["f"]);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_reading()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        directory.WriteAllTextAtomic("big", new string('x', 101));
        Should.Throw<ConfigFileException>(() => directory.ReadAllText("big", 100)).Message.ShouldContain("larger than 100 bytes");
        directory.ReadAllText("absent", 100).ShouldBeNull();
    }

    [Fact]
    public void The_lock_excludes_a_second_holder_until_released_and_times_out_with_a_clear_error()
    {
        using TempDirectory temp = new();
        ConfigDirectory first = ConfigDirectory.OpenPath(temp.Combine("c"));
        ConfigDirectory second = ConfigDirectory.OpenPath(temp.Combine("c"));
        using (first.Lock())
        {
            Stopwatch waited = Stopwatch.StartNew();
            ConfigFileException e = Should.Throw<ConfigFileException>(() => second.Lock(TimeSpan.FromMilliseconds(200)));
            waited.ElapsedMilliseconds.ShouldBeGreaterThanOrEqualTo(150);
            e.Message.ShouldContain("could not lock");
            e.Message.ShouldContain(first.PathOf(".lock"));
        }

        using ConfigDirectoryLock again = second.Lock(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_lock_is_seen_by_another_process_using_flock()
    {
        if (!File.Exists("/usr/bin/flock"))
        {
            Assert.Skip("flock(1) not installed: the in-process lock test still runs");
        }

        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        int RunFlock()
        {
            using Process process = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-n", directory.PathOf(".lock"), "true"]) { UseShellExecute = false })!;
            process.WaitForExit(10_000).ShouldBeTrue();
            return process.ExitCode;
        }

        using (directory.Lock())
        {
            RunFlock().ShouldNotBe(0, "another process must not get the lock while it is held");
        }

        RunFlock().ShouldBe(0);
    }

    [Fact]
    public void Read_modify_writes_under_the_lock_from_parallel_instances_lose_no_update()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("c");
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            ConfigDirectory directory = ConfigDirectory.OpenPath(path);
            using ConfigDirectoryLock held = directory.Lock();
            string before = directory.ReadAllText("counter", 100) ?? "0";
            directory.WriteAllTextAtomic("counter", (int.Parse(before) + 1).ToString());
        });
        ConfigDirectory.OpenPath(path).ReadAllText("counter", 100).ShouldBe("40");
    }

    [Fact]
    public void A_file_handed_to_another_user_after_the_directory_was_opened_is_refused_when_read()
    {
        Assert.SkipUnless(Environment.UserName == "root", "handing a file to another uid needs root");
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        directory.WriteAllTextAtomic("known_servers", "# planted\n");
        directory.ReadAllText("known_servers", 1000).ShouldNotBeNull();
        using (Process chown = Process.Start("chown", ["65534", directory.PathOf("known_servers")]))
        {
            chown.WaitForExit();
            chown.ExitCode.ShouldBe(0);
        }

        ConfigFileException e = Should.Throw<ConfigFileException>(() => directory.ReadAllText("known_servers", 1000));
        e.Message.ShouldContain("owned by another user (uid 65534)");
        Should.Throw<ConfigFileException>(() => ConfigDirectory.OpenPath(temp.Combine("c"))).Message.ShouldContain("owned by another user");
    }
}
