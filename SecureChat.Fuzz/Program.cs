using SharpFuzz;

namespace SecureChat.Fuzz;

/// <summary>
/// Coverage-guided fuzzing entry point (SharpFuzz + libFuzzer). Usage, from the repository root (see README,
/// "Security testing"):
///   SecureChat.Fuzz TARGET                 run under libfuzzer-dotnet (TARGET: frames, server, client)
///   SecureChat.Fuzz TARGET --replay PATH   run every file under PATH (a corpus or crash) once, without libFuzzer
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.TryGet(args[0], out Action<ReadOnlyMemory<byte>> target))
        {
            Console.Error.WriteLine("usage: SecureChat.Fuzz frames|server|client [--replay FILE_OR_DIR]");
            return 2;
        }

        if (args.Length == 3 && args[1] == "--replay")
        {
            string[] files = Directory.Exists(args[2]) ? Directory.GetFiles(args[2], "*", SearchOption.AllDirectories) : [args[2]];
            foreach (string file in files)
            {
                target(File.ReadAllBytes(file));
            }

            Console.WriteLine($"replayed {files.Length} inputs through '{args[0]}' without a failure");
            return 0;
        }

        Fuzzer.LibFuzzer.Run(span => target(span.ToArray()));
        return 0;
    }
}
