using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Braid.Dashboard.Tests;

/// <summary>
/// Debian's headless Chromium driven by Selenium through Debian's chromedriver (.ci/run installs both), and the page
/// helpers the dashboard's browser tests share.
/// </summary>
internal static class Browser
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    public static void RequireChromium() =>
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver),
            $"the browser test needs Debian's chromium and chromium-driver ({Chromium}, {ChromeDriver}): apt-get install chromium chromium-driver (.ci/run does)");

    public static ChromeDriver StartChromium()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1300");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public static void SelectStore(IWebDriver browser, string store, string key)
    {
        browser.Execute($"document.getElementById('store').value = '{store}'; document.getElementById('lookup-result').dataset.state = '';");
        var input = browser.FindElement(By.Id("key"));
        input.Clear();
        input.SendKeys(key);
        browser.FindElement(By.Id("lookup")).Click();
    }

    public static string? LagCell(IWebDriver browser, string topic) =>
        browser.FindElements(By.CssSelector($"#lag-{topic}-0 .lag-value")).FirstOrDefault()?.Text;

    public static int Updates(IWebDriver browser) => int.Parse(browser.Execute("return document.body.dataset.updates || '0'"));

    // Polls generously (the machine may be loaded); fails naming what it waited for.
    public static void Until(IWebDriver browser, Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition()) return;
            }
            catch (WebDriverException)
            {
                // The element is being re-rendered by the next update.
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new Xunit.Sdk.XunitException($"timed out waiting for {what}. Page text:\n{browser.FindElement(By.TagName("body")).Text}");
            Thread.Sleep(50);
        }
    }

    public static void SaveScreenshot(ITakesScreenshot browser, string name)
    {
        var shot = browser.GetScreenshot();
        shot.SaveAsFile(Path.Combine(AppContext.BaseDirectory, name));
        // BRAID_UPDATE_SCREENSHOTS=1 refreshes the picture in the docs.
        if (Environment.GetEnvironmentVariable("BRAID_UPDATE_SCREENSHOTS") == "1")
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Braid.sln"))) dir = dir.Parent;
            if (dir is not null) shot.SaveAsFile(Path.Combine(dir.FullName, "docs", "images", name));
        }
    }
}
