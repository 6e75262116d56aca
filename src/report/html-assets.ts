/**
 * The report page's own CSS and script: constants, never built from data. The script reads the
 * timeline JSON from `<script type="application/json">` elements and draws aggregated bins on a
 * canvas (a million events stay a thousand bars); app strings it shows go through textContent only.
 */

export const REPORT_CSS = `
:root{--c:#b00020;--h:#d9480f;--m:#b08900;--l:#5c7cfa;--ok:#2b8a3e;--ne:#868e96;font-family:system-ui,sans-serif;color:#212529}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.25rem;border-bottom:1px solid #dee2e6;padding-bottom:.25rem;margin-top:2rem}h3{font-size:1.05rem}
code,pre,.url{font-family:ui-monospace,monospace;font-size:.85rem;overflow-wrap:anywhere;word-break:break-word}
pre{white-space:pre-wrap;background:#f8f9fa;padding:.5rem;max-height:24rem;overflow:auto;border:1px solid #e9ecef}
mark{background:#ffe066;outline:1px solid #f08c00}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #dee2e6;padding:.25rem .4rem;text-align:left;vertical-align:top;font-size:.9rem}
.sev{display:inline-block;min-width:1.4rem;text-align:center;color:#fff;border-radius:3px;font-weight:600;padding:0 .3rem}
.sev-C{background:var(--c)}.sev-H{background:var(--h)}.sev-M{background:var(--m)}.sev-L{background:var(--l)}
.verdict{padding:.6rem .8rem;border-radius:4px;font-weight:600}.v-violations{background:#fff0f0;border-left:6px solid var(--c)}
.v-clean{background:#ebfbee;border-left:6px solid var(--ok)}.v-not-analysed{background:#f1f3f5;border-left:6px solid var(--ne)}
.finding{border:1px solid #dee2e6;border-radius:4px;margin:.5rem 0;padding:.5rem .8rem}
.explain{font-size:1rem}.ev{border-left:3px solid #ced4da;margin:.4rem 0 .4rem .2rem;padding:.2rem .6rem}
.muted{color:#6c757d}.chips span{display:inline-block;background:#e9ecef;border-radius:3px;padding:0 .35rem;margin:0 .2rem .2rem 0;font-size:.85rem}
.tl{border:1px solid #dee2e6;padding:.4rem;margin:.5rem 0}.tl canvas{width:100%;height:190px;display:block;cursor:crosshair}
.tl-bar{display:flex;gap:.4rem;align-items:center;flex-wrap:wrap;font-size:.85rem}.tl-read{min-height:1.2em;font-size:.85rem}
.screens{display:flex;gap:.5rem;overflow-x:auto;padding:.3rem 0}.screens figure{margin:0;text-align:center;font-size:.75rem}
.screens img{max-height:220px;border:1px solid #ced4da}.shot{max-height:320px;border:1px solid #ced4da}
`;

/** Draws every `.tl` on the page; zoom with the buttons or the wheel, pan by dragging. */
export const TIMELINE_SCRIPT = `
(function(){
"use strict";
var LANES=[["api","API calls","#5c7cfa"],["pi","personal-data reads","#d9480f"],["flow","requests","#495057"],["leak","requests with PI","#b00020"],["ui","screens","#2b8a3e"]];
var PHASE={"pre-consent":"#fff3bf","consented":"#d3f9d8","refused":"#ffe3e3","withdrawn":"#e5dbff"};
function fmt(ms){if(ms<10000)return (Math.round(ms/100)/10)+" s";if(ms<120000)return Math.round(ms/1000)+" s";var s=Math.round(ms/1000);return Math.floor(s/60)+" min "+(s%60)+" s";}
function setup(root){
  var src=document.getElementById(root.getAttribute("data-src"));if(!src)return;
  var d=JSON.parse(src.textContent||"{}");
  var cv=root.querySelector("canvas"),label=root.querySelector(".tl-range"),read=root.querySelector(".tl-read");
  var view={a:0,b:d.endT};
  function sumRange(lane,a,b){var arr=d.lanes[lane],bm=d.binMs,i0=Math.max(0,Math.floor(a/bm)),i1=Math.min(arr.length-1,Math.ceil(b/bm)-1),s=0;for(var i=i0;i<=i1;i++)s+=arr[i];return s;}
  function draw(){
    var dpr=window.devicePixelRatio||1,W=Math.max(200,cv.clientWidth),H=cv.clientHeight||190;
    cv.width=Math.round(W*dpr);cv.height=Math.round(H*dpr);
    var g=cv.getContext("2d");if(!g)return;g.setTransform(dpr,0,0,dpr,0,0);g.clearRect(0,0,W,H);
    var left=150,w=W-left-4,span=view.b-view.a,x=function(t){return left+(t-view.a)/span*w;};
    g.font="11px system-ui,sans-serif";
    d.phases.forEach(function(p){var x0=Math.max(left,x(p.from)),x1=Math.min(left+w,x(p.to));if(x1>x0){g.fillStyle=PHASE[p.state]||"#f1f3f5";g.fillRect(x0,0,x1-x0,16);}});
    d.background.forEach(function(p){var x0=Math.max(left,x(p.from)),x1=Math.min(left+w,x(p.to));if(x1>x0){g.fillStyle="rgba(73,80,87,0.15)";g.fillRect(x0,16,x1-x0,H-16);}});
    g.fillStyle="#495057";g.fillText("phases",4,12);
    var cols=Math.max(1,Math.floor(w/3)),laneH=(H-40)/LANES.length;
    LANES.forEach(function(L,li){
      var y0=20+li*laneH,vals=[],max=0;
      for(var c=0;c<cols;c++){var t0=view.a+span*c/cols,t1=view.a+span*(c+1)/cols,v=sumRange(L[0],t0,t1);vals.push(v);if(v>max)max=v;}
      g.fillStyle="#495057";g.fillText(L[1],4,y0+laneH/2+4);
      g.fillStyle=L[2];
      for(var c2=0;c2<cols;c2++){var v2=vals[c2];if(!v2)continue;var h=Math.max(1,(laneH-4)*Math.log(1+v2)/Math.log(1+max));g.fillRect(left+c2*w/cols,y0+laneH-2-h,Math.max(1,w/cols-0.5),h);}
    });
    g.strokeStyle="#1971c2";d.markers.forEach(function(m){if(m.t<view.a||m.t>view.b)return;var xm=x(m.t);g.beginPath();g.moveTo(xm,16);g.lineTo(xm,H-20);g.stroke();});
    g.fillStyle="#b00020";d.findings.forEach(function(f){if(f.t<view.a||f.t>view.b)return;var xf=x(f.t);g.beginPath();g.moveTo(xf,H-18);g.lineTo(xf-5,H-8);g.lineTo(xf+5,H-8);g.fill();});
    label.textContent=fmt(view.a)+" – "+fmt(view.b)+" of "+fmt(d.endT);
    root.setAttribute("data-range",Math.round(view.a)+","+Math.round(view.b));
  }
  function zoom(f,center){var span=view.b-view.a,c=center===undefined?(view.a+view.b)/2:center,ns=Math.min(d.endT,Math.max(d.binMs*4,span*f));var a=c-(c-view.a)*ns/span;a=Math.max(0,Math.min(d.endT-ns,a));view={a:a,b:a+ns};draw();}
  function tAt(ev){var r=cv.getBoundingClientRect(),left=150,w=r.width-left-4;return view.a+(ev.clientX-r.left-left)/w*(view.b-view.a);}
  root.querySelector(".tl-in").addEventListener("click",function(){zoom(0.5);});
  root.querySelector(".tl-out").addEventListener("click",function(){zoom(2);});
  root.querySelector(".tl-reset").addEventListener("click",function(){view={a:0,b:d.endT};draw();});
  cv.addEventListener("wheel",function(ev){ev.preventDefault();zoom(ev.deltaY<0?0.8:1.25,tAt(ev));},{passive:false});
  var drag=null;
  cv.addEventListener("mousedown",function(ev){drag={x:ev.clientX,a:view.a,b:view.b};});
  window.addEventListener("mouseup",function(){drag=null;});
  cv.addEventListener("mousemove",function(ev){
    if(drag){var r=cv.getBoundingClientRect(),dt=(drag.x-ev.clientX)/(r.width-154)*(drag.b-drag.a),a=Math.max(0,Math.min(d.endT-(drag.b-drag.a),drag.a+dt));view={a:a,b:a+(drag.b-drag.a)};draw();return;}
    var t=tAt(ev);if(t<view.a||t>view.b){read.textContent="";return;}
    var half=(view.b-view.a)/200,parts=[fmt(Math.max(0,t))];
    LANES.forEach(function(L){var n=sumRange(L[0],t-half,t+half);if(n)parts.push(L[1]+": "+n);});
    d.markers.forEach(function(m){if(Math.abs(m.t-t)<=half*2)parts.push(m.name+(m.arg?" "+m.arg:""));});
    d.findings.forEach(function(f){if(Math.abs(f.t-t)<=half*2)parts.push("finding "+f.rule);});
    read.textContent=parts.join(" · ");
  });
  window.addEventListener("resize",draw);
  draw();
}
var all=document.querySelectorAll(".tl");for(var i=0;i<all.length;i++)setup(all[i]);
})();
`;
