namespace Threshold.Web.Tests.Infrastructure;

/// <summary>Page objects for /account/data: "Download your data" and "Delete your account".</summary>
public static class DataPages
{
    public const string DataPath = "/account/data";
    public const string DownloadButton = "Download your data";
    public const string DeleteButton = "Delete my account";
    public const string UnderstoodLabel = "I understand this cannot be undone";
    public const string ReauthenticateForData = "/account/reauthenticate?returnUrl=%2Faccount%2Fdata";

    public static async Task<Page> DataPageAsync(this Browser browser)
    {
        var page = await browser.GetAsync(DataPath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page;
    }

    /// <summary>Presses "Download your data".</summary>
    public static async Task<HttpResponseMessage> DownloadDataAsync(this Browser browser) =>
        await (await browser.DataPageAsync()).Form(DownloadButton).SubmitAsync();

    /// <summary>Ticks "I understand this cannot be undone" (unless told not to) and presses "Delete my account".</summary>
    public static async Task<HttpResponseMessage> DeleteAccountAsync(this Browser browser, bool understood = true) =>
        await (await browser.DataPageAsync()).Form(DeleteButton).Check(UnderstoodLabel, understood).SubmitAsync();
}
