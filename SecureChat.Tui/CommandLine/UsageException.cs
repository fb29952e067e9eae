namespace SecureChat.Tui.CommandLine;

/// <summary>The command line asks for something impossible; <see cref="Exception.Message"/> is one line. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
