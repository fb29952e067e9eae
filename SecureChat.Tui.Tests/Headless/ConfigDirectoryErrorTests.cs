using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

public sealed class ConfigDirectoryErrorTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--server", "--port", "0", "--headless")]
    [InlineData("--client", "localhost", "1", "--headless")]
    public void A_config_dir_that_is_a_file_gets_one_plain_line_and_exit_code_1(params string[] args)
    {
        string file = Path.GetTempFileName();
        try
        {
            using RunningApp app = AppUnderTest.Start([.. args, "--config-dir", file]);
            app.WaitForExit(s_wait).ShouldBe(1);
            TestContext.Current.TestOutputHelper?.WriteLine(app.Error);
            app.Error.Trim().ShouldBe($"securechat: the config directory {file} is a file, not a directory: give --config-dir a directory");
            app.Output.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
