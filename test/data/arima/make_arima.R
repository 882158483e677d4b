# Makes arima_reference.json: R's ARIMA fits and forecasts for test/arima.test.ts.
#
#   Rscript test/data/arima/make_arima.R test/data/arima/arima_reference.json
#
# (Debian 12: r-cran-forecast 8.20, r-cran-jsonlite.) Two kinds of case:
#   fixed  forecast::Arima() with the orders given: coefficients, sigma2,
#          log-likelihood, AICc and h forecasts (method "CSS-ML", R's default)
#   auto   forecast::auto.arima(seasonal = FALSE): the orders it chose and its
#          forecasts
# on series of the forecasting dev suite (training parts, read as plain
# vectors: no season) and on simulated series (set.seed, arima.sim), whose
# values are written out so that the test does not need R.
suppressPackageStartupMessages({
  library(forecast)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
suite <- file.path(here, "..", "forecast-dev")
out <- commandArgs(trailingOnly = TRUE)

train <- function(name) read.csv(file.path(suite, paste0(name, ".train.csv")))$value

set.seed(20261130)
series <- list(
  nhtemp = train("nhtemp"),
  WWWusage = train("WWWusage"),
  BJsales = train("BJsales"),
  discoveries = train("discoveries"),
  dax = train("dax"),
  treering_tail = tail(train("treering"), 400),
  sim_ar2 = round(10 + as.numeric(arima.sim(list(ar = c(0.6, -0.3)), n = 200)), 4),
  sim_arma11 = round(as.numeric(arima.sim(list(ar = 0.7, ma = -0.4), n = 120)), 4),
  sim_ma2 = round(5 + as.numeric(arima.sim(list(ma = c(0.5, 0.3)), n = 100)), 4),
  sim_ari11 = round(as.numeric(cumsum(0.2 + arima.sim(list(ar = 0.5), n = 160))), 4)
)

fixed <- list(
  list(series = "nhtemp", order = c(1, 0, 1), constant = TRUE, h = 6),
  list(series = "nhtemp", order = c(1, 0, 0), constant = TRUE, h = 6),
  list(series = "WWWusage", order = c(1, 1, 1), constant = FALSE, h = 10),
  list(series = "WWWusage", order = c(3, 1, 0), constant = TRUE, h = 10),
  list(series = "BJsales", order = c(0, 2, 1), constant = FALSE, h = 10),
  list(series = "BJsales", order = c(1, 1, 1), constant = TRUE, h = 10),
  list(series = "discoveries", order = c(2, 0, 2), constant = TRUE, h = 6),
  list(series = "treering_tail", order = c(2, 0, 1), constant = TRUE, h = 10),
  list(series = "sim_ar2", order = c(2, 0, 0), constant = TRUE, h = 8),
  list(series = "sim_arma11", order = c(1, 0, 1), constant = FALSE, h = 8),
  list(series = "sim_ma2", order = c(0, 0, 2), constant = TRUE, h = 8),
  list(series = "sim_ari11", order = c(1, 1, 0), constant = TRUE, h = 8)
)

fixedOut <- lapply(fixed, function(f) {
  y <- series[[f$series]]
  d <- f$order[2]
  fit <- if (d == 0) Arima(y, order = f$order, include.mean = f$constant)
         else Arima(y, order = f$order, include.drift = f$constant)
  cf <- coef(fit)
  list(
    series = f$series, p = f$order[1], d = d, q = f$order[3], constant = f$constant, h = f$h,
    ar = unname(cf[grep("^ar", names(cf))]), ma = unname(cf[grep("^ma", names(cf))]),
    mean = if ("intercept" %in% names(cf)) unname(cf[["intercept"]]) else if ("drift" %in% names(cf)) unname(cf[["drift"]]) else 0,
    sigma2 = fit$sigma2, loglik = fit$loglik, aicc = fit$aicc,
    forecast = as.numeric(forecast(fit, h = f$h)$mean)
  )
})

autoNames <- c("nhtemp", "WWWusage", "BJsales", "discoveries", "dax", "treering_tail", "sim_ar2", "sim_arma11", "sim_ma2", "sim_ari11")
autoOut <- lapply(autoNames, function(name) {
  y <- series[[name]]
  fit <- auto.arima(y, seasonal = FALSE)
  a <- arimaorder(fit)
  cf <- coef(fit)
  list(
    series = name, p = unname(a[1]), d = unname(a[2]), q = unname(a[3]),
    constant = any(c("intercept", "drift") %in% names(cf)), method = forecast:::arima.string(fit),
    h = 10, forecast = as.numeric(forecast(fit, h = 10)$mean)
  )
})

json <- toJSON(list(series = series, fixed = fixedOut, auto = autoOut), digits = I(15), auto_unbox = TRUE, pretty = FALSE)
if (length(out)) writeLines(json, out[1]) else cat(json, "\n")
