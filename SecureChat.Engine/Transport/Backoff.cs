namespace SecureChat.Engine.Transport;

/// <summary>
/// The pause before each reconnect attempt of a client whose link was lost: <see cref="First"/> doubled with each
/// attempt (1 s, 2 s, 4 s, ...) up to <see cref="Ceiling"/>, then each spread by up to <see cref="Jitter"/> either
/// way at random, so that the clients of a hub that restarts do not all come back in the same instant. Immutable and
/// thread-safe when its random source is.
/// </summary>
internal sealed class Backoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    /// <summary>The most a pause differs from its nominal value, as a fraction of it.</summary>
    public const double Jitter = 0.2;

    private readonly Func<double> _random;

    /// <param name="random">Draws a number in [0, 1) (the default is <see cref="Random.Shared"/>).</param>
    public Backoff(Func<double>? random = null) => _random = random ?? Random.Shared.NextDouble;

    /// <summary>The pause without its jitter before attempt <paramref name="attempt"/> (1, 2, ...).</summary>
    public static TimeSpan Nominal(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);

        // 2^6 s already exceeds the ceiling: larger shifts are never needed (nor allowed to overflow).
        TimeSpan doubled = First * (1L << Math.Min(attempt - 1, 6));
        return doubled < Ceiling ? doubled : Ceiling;
    }

    /// <summary>The pause before attempt <paramref name="attempt"/> (1, 2, ...): its nominal value, give or take up to <see cref="Jitter"/> of it.</summary>
    public TimeSpan Delay(int attempt)
    {
        double spread = (2 * Math.Clamp(_random(), 0, 1) - 1) * Jitter; // -Jitter .. +Jitter
        return Nominal(attempt) * (1 + spread);
    }
}
