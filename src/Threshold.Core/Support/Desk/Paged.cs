namespace Threshold.Core.Support.Desk;

/// <summary>One page of a console list.</summary>
/// <param name="Number">1 for the first page.</param>
/// <param name="Total">Items over all pages.</param>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Number, int Total, int Size)
{
    public int PageCount => Math.Max(1, (int)((Total + (long)Size - 1) / Size));
    public bool HasPrevious => Number > 1 && !BeyondTheEnd;
    public bool HasNext => Number < PageCount;
    /// <summary>Asked for a page after the last one: nothing on it.</summary>
    public bool BeyondTheEnd => Number > PageCount;

    /// <summary>Counts, then reads only the page asked for (nothing when it is past the end).</summary>
    public static async Task<Paged<T>> ReadAsync(int number, int size, Func<Task<int>> count, Func<int, int, Task<IReadOnlyList<T>>> read)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        var total = await count();
        var skip = (long)(number - 1) * size;
        return skip >= total ? new([], number, total, size) : new(await read((int)skip, size), number, total, size);
    }
}
