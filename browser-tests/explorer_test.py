#!/usr/bin/env python3
"""The explorer in a real browser: headless Chromium driven by selenium, against a served demo catalogue.

Usage: explorer_test.py --url http://127.0.0.1:18099 --screenshots DIR

Needs Debian's `chromium` and `chromium-driver`, and `selenium` and `axe-selenium-python` from PyPI (`.ci/run`
installs them for the tests only). Each check says what it looked for; the first failure stops the run with exit 1.
Requests to sketchfab.com are blocked, so the 3D viewer is opened and closed without leaving the machine.
"""
import argparse
import json
import os
import sys
import time
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 10
PHONE = (390, 844)
DESKTOP = (1280, 900)


class Check:
    def __init__(self):
        self.passed = 0

    def __call__(self, condition, message):
        if not condition:
            raise AssertionError(message)
        self.passed += 1


check = Check()


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*sketchfab.com*"]})
    viewport(driver, width, height)
    return driver


def viewport(driver, width, height):
    """The page's viewport, exactly: a headless window cannot be narrower than 500 px, a phone is."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})


def wait(driver):
    return WebDriverWait(driver, WAIT_SECONDS)


def console_errors(driver):
    """Console errors since the last call, less the blocked Sketchfab frame (this test's own doing)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "sketchfab.com" not in entry["message"]]


def no_horizontal_overflow(driver, page):
    widths = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    check(widths[0] <= widths[1], f"{page}: the page is {widths[0]} px wide in a {widths[1]} px window")


def api(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.load(response)


def pages(base):
    """One of each page kind, found through the API."""
    algorithms = api(base, "/api/v1/algorithms")["algorithms"]
    check(len(algorithms) >= 3, "the demo catalogue has trained algorithms")
    popular = api(base, "/api/v1/search?q=a&limit=5")["results"]
    model = popular[0]["mid"]
    detail = api(base, f"/api/v1/models/{model}")
    tag = (detail["tags"] or detail["suggestedTags"] or ["dragon"])[0]
    word = popular[0]["name"].split()[0][:4]
    return {"home": "/", "model": f"/models/{model}", "tag": f"/tags/{urllib.request.quote(tag)}",
            "search": f"/search?q={urllib.request.quote(word)}", "evaluation": "/evaluation", "about": "/about"}


def accessibility(driver, base, paths):
    for name in ("home", "model", "tag", "search", "evaluation"):
        driver.get(base + paths[name])
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        serious = [violation for violation in results["violations"] if violation["impact"] in ("serious", "critical")]
        details = "; ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}" for v in serious)
        check(not serious, f"axe-core on {name}: {details}")
        print(f"  axe {name}: {len(results['violations'])} violations, none serious or critical "
              f"({len(results['passes'])} rules passed)")


def screenshots(driver, base, paths, folder, label):
    size = PHONE if label == "390" else DESKTOP
    for name, path in paths.items():
        viewport(driver, *size)
        driver.get(base + path)
        wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
        time.sleep(0.3)  # let "For you" and lazy images settle
        height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
        viewport(driver, size[0], max(size[1], height))
        driver.save_screenshot(os.path.join(folder, f"{name}-{label}.png"))
        errors = console_errors(driver)
        check(not errors, f"{name} at {label}: console errors {errors}")
        if label == "390":
            no_horizontal_overflow(driver, name)
    viewport(driver, *size)


def search_and_pick(driver, base):
    driver.get(base + "/")
    field = driver.find_element(By.ID, "q")
    check(field.get_attribute("role") == "combobox", "the search field is enhanced into a combobox")
    field.send_keys("dr")
    listbox = wait(driver).until(conditions.visibility_of_element_located((By.ID, "q-suggestions")))
    options = listbox.find_elements(By.CSS_SELECTOR, "li[role='option']")
    check(options, "two characters bring suggestions")
    field.send_keys(Keys.ARROW_DOWN)
    check(field.get_attribute("aria-activedescendant") == options[0].get_attribute("id"),
          "the arrow key moves to the first suggestion")
    expected = options[0].get_attribute("data-mid")
    field.send_keys(Keys.ENTER)
    wait(driver).until(conditions.url_contains(f"/models/{expected}"))
    print(f"  search: typed “dr”, picked {expected} with the keyboard")


def click_through(driver):
    seen = []
    for step in range(3):
        heading = driver.find_element(By.CSS_SELECTOR, "article.selected h1").text
        seen.append(heading)
        link = driver.find_elements(By.CSS_SELECTOR, "section.carousel .card a.name")[step]
        target = link.get_attribute("href")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})", link)
        link.click()
        wait(driver).until(conditions.url_to_be(target))
        check(driver.find_element(By.CSS_SELECTOR, "article.selected h1").text != heading,
              f"click {step + 1} opened another model")
    print(f"  clicked through three recommendations from “{seen[0]}”")


def why_this(driver):
    button = driver.find_element(By.CSS_SELECTOR, "section.carousel button.why")
    note = driver.find_element(By.ID, button.get_attribute("aria-controls"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})", button)
    button.click()
    wait(driver).until(lambda d: note.is_displayed())
    check(button.get_attribute("aria-expanded") == "true", "why this? says it is open")
    check(len(note.text) > 10, "why this? explains")
    print(f"  why this?: “{note.text}”")
    button.send_keys(Keys.ESCAPE)
    driver.find_element(By.TAG_NAME, "h1").click()


def for_you(driver):
    section = driver.find_element(By.ID, "for-you")
    check(not section.is_displayed(), "no For you before any like")
    driver.find_element(By.CSS_SELECTOR, "article.selected button.heart").click()
    wait(driver).until(lambda d: section.is_displayed() and section.find_elements(By.CSS_SELECTOR, ".card"))
    first = [card.get_attribute("href") for card in section.find_elements(By.CSS_SELECTOR, ".card a.name")]
    liked_card = driver.find_elements(By.CSS_SELECTOR, "section.carousel .card button.heart")[5]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})", liked_card)
    liked_card.click()
    check(liked_card.get_attribute("aria-pressed") == "true", "a card's heart shows it is liked")
    wait(driver).until(lambda d: [c.get_attribute("href") for c in section.find_elements(By.CSS_SELECTOR, ".card a.name")] != first)
    second = [card.get_attribute("href") for card in section.find_elements(By.CSS_SELECTOR, ".card a.name")]
    liked = driver.execute_script("return JSON.parse(localStorage.getItem('recasketch.likes'))")
    check(len(liked) == 2, "two likes kept in the browser")
    check(not any(url.rstrip("/").endswith(mid) for url in second for mid in liked), "liked models are never suggested")
    print(f"  For you: {len(first)} suggestions after one like, changed after the second")


def viewer(driver):
    before = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check(not [url for url in before if "sketchfab.com" in url], "no request to Sketchfab before the 3D button")
    check(not driver.find_elements(By.TAG_NAME, "iframe"), "no frame before the click")
    button = driver.find_element(By.CSS_SELECTOR, "a.view3d")
    button.click()
    frame = wait(driver).until(conditions.presence_of_element_located((By.CSS_SELECTOR, "#viewer iframe")))
    check(frame.get_attribute("src").startswith("https://sketchfab.com/models/"), "the frame is Sketchfab's embed")
    check(button.get_attribute("aria-expanded") == "true" and button.text == "Close 3D view", "the button now closes")
    button.click()
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#viewer iframe"))
    check(driver.find_element(By.CSS_SELECTOR, "#viewer .thumb img").is_displayed(), "the thumbnail is back")
    print("  3D: opened and closed in place (request blocked)")


def keyboard_carousel(driver, base, model_path):
    driver.get(base + model_path)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    track = None
    for _ in range(80):
        active = driver.switch_to.active_element
        if active.get_attribute("class") == "track" and active.find_elements(By.CSS_SELECTOR, ".card"):
            track = active
            break
        active.send_keys(Keys.TAB)
    check(track is not None, "Tab reaches a carousel")
    visible = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", track)
    check(visible != "none", "the focused carousel shows its focus")
    track.send_keys(Keys.END)
    wait(driver).until(lambda d: d.execute_script("return arguments[0].scrollLeft", track) > 0)
    track.send_keys(Keys.TAB)
    link = driver.switch_to.active_element
    check(link.tag_name == "a", "Tab moves into the carousel's first card")
    target = link.get_attribute("href")
    link.send_keys(Keys.ENTER)
    wait(driver).until(conditions.url_to_be(target))
    print("  keyboard: Tab to a carousel, End scrolls it, Tab and Enter open a card")


def online_counts(base):
    """The site's click counts, keyed like "wrmf clicks" and "visual vs wrmf wins"."""
    report = api(base, "/api/v1/evaluation/online?days=all")
    counts = {}
    for row in report["algorithms"]:
        counts[row["algorithm"] + " views"] = row["impressions"]
        counts[row["algorithm"] + " clicks"] = row["clicks"]
    for row in report["pairs"]:
        for field in ("wins", "losses", "ties"):
            counts[f"{row['a']} vs {row['b']} {field}"] = row[field]
    return counts


def settled_counts(base):
    """The counts once no beacon is on its way (two reads a second apart agree)."""
    previous = online_counts(base)
    for _ in range(WAIT_SECONDS):
        time.sleep(1)
        current = online_counts(base)
        if current == previous:
            return current
        previous = current
    raise AssertionError("the click counts kept changing")


def click_card(driver, card):
    link = card.find_element(By.CSS_SELECTOR, "a.name")
    target = link.get_attribute("href")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})", link)
    link.click()
    wait(driver).until(conditions.url_to_be(target))
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def visitor_counting(driver, base, model_path):
    """Cards clicked in three carousels are credited exactly so in /api/v1/evaluation/online, with no cookie set."""
    before = settled_counts(base)
    orders = set()
    for _ in range(6):
        driver.get(base + model_path)
        orders.add(tuple(driver.execute_script(
            "return [...document.querySelectorAll('section.carousel')].filter(s => !s.closest('details'))"
            ".map(s => s.dataset.algorithm || s.dataset.carousel || s.id)")))
    check(all(order[0] == "picked" for order in orders), f"“Picked from all of them” comes first: {orders}")
    check(len(orders) >= 2, f"the carousels' order changes between page views: {orders}")
    picked = driver.find_element(By.CSS_SELECTOR, "section.carousel.picked")
    check(not picked.find_elements(By.CSS_SELECTOR, ".also, button.why"), "the mixed carousel's cards carry no labels")
    check(not picked.find_element(By.CSS_SELECTOR, "h2").text.lower().count("visual"), "the mixed carousel names no algorithm")
    rankers = [section.get_attribute("data-algorithm") for section in
               driver.find_elements(By.CSS_SELECTOR, "section.carousel[data-algorithm]")
               if not section.find_elements(By.XPATH, "ancestor::details")]
    card = picked.find_elements(By.CSS_SELECTOR, "li.card")[1]
    credited = card.get_attribute("data-team")
    click_card(driver, card)
    expected = {"picked clicks": 1}
    # A win for the algorithm that placed the card against each other one; a tie for the pairs without it.
    for index, a in enumerate(rankers):
        for b in rankers[index + 1:]:
            first, second = sorted([a, b])
            outcome = "wins" if first == credited else "losses" if second == credited else "ties"
            expected[f"{first} vs {second} {outcome}"] = 1
    chosen = []
    for position in (2, 0):
        sections = [section for section in driver.find_elements(By.CSS_SELECTOR, "section.carousel[data-algorithm]")
                    if not section.find_elements(By.XPATH, "ancestor::details")
                    and section.get_attribute("data-algorithm") not in chosen
                    and len(section.find_elements(By.CSS_SELECTOR, "li.card")) > position]
        check(sections, "an algorithm's carousel to click in")
        algorithm = sections[0].get_attribute("data-algorithm")
        chosen.append(algorithm)
        expected[f"{algorithm} clicks"] = 1
        click_card(driver, sections[0].find_elements(By.CSS_SELECTOR, "li.card")[position])
    check(driver.get_cookies() == [], "no cookie is set")
    deadline = time.time() + WAIT_SECONDS
    while True:
        after = online_counts(base)
        clicks = {key: after.get(key, 0) - before.get(key, 0) for key in set(after) | set(before)
                  if key.endswith((" clicks", " wins", " losses", " ties"))}
        clicks = {key: value for key, value in clicks.items() if value}
        if clicks == expected or time.time() > deadline:
            break
        time.sleep(0.25)
    check(clicks == expected, f"the clicks credited are exactly the three made: {clicks} against {expected}")
    check(after.get("picked views", 0) > before.get("picked views", 0), "the mixed carousel's views are counted")
    keys = driver.execute_script("return Object.keys(window.localStorage)")
    check(all(key == "recasketch.likes" for key in keys), f"nothing but the likes is kept in the browser: {keys}")
    print(f"  counted: {', '.join(f'{key} +{value}' for key, value in sorted(clicks.items()))}; no cookie")


def global_privacy_control(base, model_path):
    """With Global Privacy Control the page sends nothing: clicks leave the counts as they were."""
    driver = browser(*DESKTOP)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
            "source": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"})
        before = settled_counts(base)
        driver.get(base + model_path)
        check(driver.execute_script("return navigator.globalPrivacyControl") is True, "the browser asks for privacy")
        click_card(driver, driver.find_elements(By.CSS_SELECTOR, "section.carousel.picked li.card")[0])
        click_card(driver, driver.find_elements(By.CSS_SELECTOR, "section.carousel[data-algorithm] li.card")[0])
        check(settled_counts(base) == before, "nothing is counted under Global Privacy Control")
        print("  Global Privacy Control: two clicks, nothing sent")
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the served explorer, e.g. http://127.0.0.1:18099")
    parser.add_argument("--screenshots", required=True, help="folder for the 1280 px and 390 px screenshots")
    arguments = parser.parse_args()
    base = arguments.url.rstrip("/")
    os.makedirs(arguments.screenshots, exist_ok=True)
    paths = pages(base)
    desktop = browser(*DESKTOP)
    try:
        screenshots(desktop, base, paths, arguments.screenshots, "1280")
        search_and_pick(desktop, base)
        click_through(desktop)
        why_this(desktop)
        for_you(desktop)
        viewer(desktop)
        visitor_counting(desktop, base, paths["model"])
        check(not console_errors(desktop), "no console errors on the desktop walk")
        accessibility(desktop, base, paths)
    finally:
        desktop.quit()
    phone = browser(*PHONE)
    try:
        screenshots(phone, base, paths, arguments.screenshots, "390")
        phone.get(base + paths["model"])
        top = phone.execute_script("return document.querySelector('article.selected h1').getBoundingClientRect().bottom")
        check(top <= PHONE[1], f"the selected model is in the first screen (its name ends at {top} px)")
        cards = phone.execute_script(
            "const t = document.querySelector('section.carousel .track'); const c = t.querySelector('.card');"
            "return t.clientWidth / c.getBoundingClientRect().width")
        check(1.6 <= cards <= 2.6, f"a carousel shows about two cards per screen ({cards:.2f})")
        keyboard_carousel(phone, base, paths["model"])
        accessibility(phone, base, paths)
        check(not console_errors(phone), "no console errors on the phone walk")
    finally:
        phone.quit()
    global_privacy_control(base, paths["model"])
    print(f"browser tests: {check.passed} checks passed; screenshots in {arguments.screenshots}")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"browser tests FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
