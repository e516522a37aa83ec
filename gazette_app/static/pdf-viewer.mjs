// The document's PDF drawn page by page with pdf.js (vendored): phones do not show PDFs
// inline. Pages are drawn when they come into view; "#trang=23" in the address shows page 23
// (the text's page marks and citations link there). Without JavaScript the buttons above
// open or download the file. pdf.js (350 KB) is fetched only when the viewer comes near the
// screen or a page is asked for, so that it does not hold up the text a reader came for.

const PAGE = /^#trang=(\d{1,5})$/;

function wanted() {
  const match = PAGE.exec(window.location.hash);
  return match ? Number(match[1]) : null;
}

async function draw(pdf, canvas, number, width) {
  if (canvas.dataset.drawn) return;
  canvas.dataset.drawn = "1";
  const page = await pdf.getPage(number);
  const unit = page.getViewport({ scale: 1 });
  const ratio = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: (width / unit.width) * ratio });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
}

async function start(box) {
  const pdfjs = await import("./vendor/pdfjs/pdf.min.mjs");
  const status = box.querySelector(".gz-pdf__status");
  const holder = box.querySelector(".gz-pdf__pages");
  pdfjs.GlobalWorkerOptions.workerSrc = box.dataset.workerUrl;
  let pdf;
  try {
    pdf = await pdfjs.getDocument({ url: box.dataset.pdfUrl, isEvalSupported: false }).promise;
  } catch (error) {
    status.textContent = "Không hiển thị được PDF trên trình duyệt này; dùng nút Mở PDF hoặc Tải PDF.";
    return;
  }
  const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
  const width = Math.min(holder.clientWidth || first.width, 900);
  const canvases = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const canvas = document.createElement("canvas");
    canvas.id = `pdf-trang-${number}`;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Trang ${number}/${pdf.numPages} của bản PDF`);
    canvas.width = width;
    canvas.height = Math.round((width * first.height) / first.width);
    canvas.dataset.page = String(number);
    holder.appendChild(canvas);
    canvases.push(canvas);
  }
  status.textContent = `${pdf.numPages} trang`;
  const observer = new IntersectionObserver((seen) => {
    for (const item of seen) {
      if (item.isIntersecting) draw(pdf, item.target, Number(item.target.dataset.page), width);
    }
  }, { rootMargin: "600px 0px" });
  canvases.forEach((canvas) => observer.observe(canvas));

  async function jump() {
    const number = wanted();
    if (!number || number > pdf.numPages) return;
    const canvas = canvases[number - 1];
    await draw(pdf, canvas, number, width);
    canvas.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", jump);
  jump();
}

const box = document.querySelector(".gz-pdf[data-pdf-url]");
if (box) {
  let started = false;
  const begin = () => {
    if (!started) {
      started = true;
      start(box);
    }
  };
  if (wanted()) begin();
  window.addEventListener("hashchange", () => { if (wanted()) begin(); });
  new IntersectionObserver((seen, near) => {
    if (seen.some((item) => item.isIntersecting)) {
      near.disconnect();
      begin();
    }
  }, { rootMargin: "600px 0px" }).observe(box);
}
