"""Draw the site's icons (favicon, app icons, Open Graph image) into gazette_app/static/icons.

The mark is the masthead's red with "CB" (Công báo) in white, drawn with Liberation Serif Bold
(bundled in print_templates/fonts, SIL OFL); run again after changing the colour or the letters.
Pillow comes with reportlab (requirements.txt).
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED, WHITE = (192, 0, 0), (255, 255, 255)
FONT = Path(__file__).resolve().parent.parent / "print_templates" / "fonts" / "LiberationSerif-Bold.ttf"
OUT = Path(__file__).resolve().parent.parent / "gazette_app" / "static" / "icons"


def icon(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), RED)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(size * 0.5))
    draw.text((size / 2, size / 2), "CB", fill=WHITE, font=font, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size, name in ((180, "icon-180.png"), (192, "icon-192.png"), (512, "icon-512.png")):
        icon(size).save(OUT / name, optimize=True)
    icon(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    (OUT / "favicon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<rect width="64" height="64" fill="#c00000"/>'
        '<text x="32" y="43" font-family="Liberation Serif, Times New Roman, serif" font-weight="700" '
        'font-size="30" fill="#fff" text-anchor="middle">CB</text></svg>\n', encoding="utf-8")


if __name__ == "__main__":
    main()
