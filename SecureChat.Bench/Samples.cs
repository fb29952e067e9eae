namespace SecureChat.Bench;

/// <summary>
/// A list of measurements (milliseconds, microseconds, whatever the caller chose) and nearest-rank
/// percentiles over the sorted list. Not thread-safe.
/// </summary>
internal sealed class Samples
{
    private readonly List<double> _values;
    private bool _sorted;

    public Samples(int capacity = 64)
    {
        _values = new List<double>(capacity);
    }

    public int Count => _values.Count;

    public void Add(double value)
    {
        _values.Add(value);
        _sorted = false;
    }

    public double Median => Percentile(50);

    /// <summary>Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it.</summary>
    public double Percentile(double p)
    {
        if (_values.Count == 0)
        {
            return double.NaN;
        }

        if (!_sorted)
        {
            _values.Sort();
            _sorted = true;
        }

        int rank = (int)Math.Ceiling(p / 100.0 * _values.Count);
        return _values[Math.Clamp(rank - 1, 0, _values.Count - 1)];
    }

    public double Min => Percentile(0);

    public double Max => Percentile(100);
}
