using System.Security.Cryptography;
using System.Text;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Views;

namespace SecureChat.Tui;

/// <summary>Parse the command line, read the passphrase, build the engine options, run full screen or headless.</summary>
internal static class Program
{
    public static int Main(string[] args) => ChatCommandLine.Invoke(args, Run, loadConfig: dir => ConfigFile.Load(dir));

    private static int Run(AppSettings settings)
    {
        byte[] passphrase;
        byte[] historyPassphrase;
        try
        {
            passphrase = PassphraseReader.Read(settings, warning => Console.Error.WriteLine($"securechat: warning: {warning}"));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"securechat: {e.Message}");
            return ChatCommandLine.UsageExitCode;
        }

        try
        {
            historyPassphrase = PassphraseReader.ReadHistory(settings, warning => Console.Error.WriteLine($"securechat: warning: {warning}"));
        }
        catch (UsageException e)
        {
            CryptographicOperations.ZeroMemory(passphrase);
            Console.Error.WriteLine($"securechat: {e.Message}");
            return ChatCommandLine.UsageExitCode;
        }

        try
        {
            return Run(settings, passphrase, historyPassphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(historyPassphrase);
        }
    }

    private static int Run(AppSettings settings, byte[] passphrase, byte[] historyPassphrase)
    {

        if (!settings.Headless)
        {
            // The screen's first frame needs only the bound port or the connection: the identity and trust files load after it.
            try
            {
                var screen = new ScreenMode(settings.Scrollback, settings.Bell, mouse: !settings.NoMouse);
                return settings.Role == ChatRole.Server
                    ? ChatLifetime.RunServerScreenFirst(settings, passphrase, screen, historyPassphrase)
                    : ChatLifetime.RunClientScreenFirst(settings, passphrase, screen, historyPassphrase);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(passphrase);
            }
        }

        LocalTrust trust;
        try
        {
            trust = LocalTrust.Open(settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CryptographicOperations.ZeroMemory(passphrase);
            Console.Error.WriteLine($"securechat: {e.Message}");
            return ExitCodes.ConnectionFailed;
        }

        using (trust)
        try
        {
            var options = trust.Apply(ChatLifetime.Options(settings, passphrase), settings.Role);
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            Console.OutputEncoding = utf8;
            Console.InputEncoding = utf8;
            return ChatLifetime.Run(settings, options, new HeadlessMode(Console.In, Console.Out, Console.Error, settings.Timestamps, settings.Json), trust, historyPassphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }
}
